# odoo-saas: the console and the scriptable CLI.
bin_PROGRAMS += odoo-saas
odoo_saas_SOURCES = \
	tui/main.c \
	tui/cli.c tui/cli.h \
	tui/table.c tui/table.h \
	tui/demo.c tui/demo.h \
	tui/tenant_opts.c tui/tenant_opts.h \
	tui/cmd_nodes.c \
	tui/cmd_tenant_render.c \
	tui/cmd_tenant_create.c \
	tui/cmd_tenant_list.c \
	tui/cmd_tenant_delete.c \
	tui/cmd_tenant_check.c \
	tui/cmd_rebalance.c \
	tui/cmd_deploy.c \
	tui/deploy_cfg.c tui/deploy_cfg.h \
	tui/deploy_log.c tui/deploy_log.h \
	tui/deploy_run.c tui/deploy_run.h \
	tui/view_deploy.c
odoo_saas_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) -DOS_THEMES_SRCDIR='"$(abs_top_srcdir)/themes"'
odoo_saas_LDADD = $(CORE_LIBS) $(NCURSES_LIBS) $(SSH2_LIBS)

# The console (`odoo-saas` with no command): event loop, model, views,
# widgets, keymap, themes.  The terminal-free parts (layout, theme parsing,
# keymap) are also linked into the unit tests below.
TUI_PURE_SOURCES = \
	tui/layout.c tui/layout.h \
	tui/theme.c tui/theme.h \
	tui/keymap.c tui/keymap.h tui/actions.h
odoo_saas_SOURCES += \
	$(TUI_PURE_SOURCES) \
	tui/console.c tui/console.h \
	tui/app.c tui/app.h \
	tui/model.c tui/model.h \
	tui/model_records.c tui/model_records.h \
	tui/widgets.c tui/widgets.h \
	tui/view_overview.c \
	tui/view_nodes.c \
	tui/view_tenants.c \
	tui/view_tenant.c \
	tui/view_create.c \
	tui/view_delete.c \
	tui/view_help.c
# Logs, the tenant detail's events/quota/isolation, run-time themes and
# save-display, script files.
odoo_saas_SOURCES += \
	tui/log_ring.c tui/log_ring.h \
	tui/log_follow.c tui/log_follow.h \
	tui/view_logs.c \
	tui/detail_records.c tui/detail_records.h \
	tui/detail_fetch.c tui/detail_fetch.h \
	tui/app_commands.c tui/mouse.c \
	tui/script_file.c tui/script_file.h \
	tui/mono_clock.c tui/mono_clock.h \
	tui/table_view.c tui/table_view.h

# Themes: installed under $(pkgdatadir)/themes, found there by the console.
TUI_THEMES = \
	themes/default.theme \
	themes/dark.theme \
	themes/light.theme \
	themes/solarized-dark.theme \
	themes/monochrome.theme
themesdir = $(pkgdatadir)/themes
themes_DATA = $(TUI_THEMES)
EXTRA_DIST += $(TUI_THEMES) themes/README.md

# Unit tests (cmocka) of the parts that need no terminal.
TUI_UNIT_CFLAGS = $(UNIT_CFLAGS) $(NCURSES_CFLAGS) -I$(top_srcdir)/tui \
	-DOS_THEMES_SRCDIR='"$(abs_top_srcdir)/themes"'
TUI_UNIT_LDADD = $(UNIT_LDADD) $(NCURSES_LIBS)
UNIT_TESTS += tests/unit/tui/test_layout tests/unit/tui/test_theme tests/unit/tui/test_keymap \
	tests/unit/tui/test_model_records
check_PROGRAMS += tests/unit/tui/test_layout tests/unit/tui/test_theme tests/unit/tui/test_keymap \
	tests/unit/tui/test_model_records
tests_unit_tui_test_layout_SOURCES = tests/unit/tui/test_layout.c $(TUI_PURE_SOURCES)
tests_unit_tui_test_layout_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_layout_LDADD = $(TUI_UNIT_LDADD)
tests_unit_tui_test_theme_SOURCES = tests/unit/tui/test_theme.c $(TUI_PURE_SOURCES)
tests_unit_tui_test_theme_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_theme_LDADD = $(TUI_UNIT_LDADD)
tests_unit_tui_test_keymap_SOURCES = tests/unit/tui/test_keymap.c $(TUI_PURE_SOURCES)
tests_unit_tui_test_keymap_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_keymap_LDADD = $(TUI_UNIT_LDADD)
# The compact records must give the phases tenant_status_compute() gives
# on the full objects.
tests_unit_tui_test_model_records_SOURCES = tests/unit/tui/test_model_records.c \
	tui/model_records.c tui/model_records.h $(TUI_PURE_SOURCES)
tests_unit_tui_test_model_records_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_model_records_LDADD = $(TUI_UNIT_LDADD) $(CORE_LIBS)

# The log ring (lines, bound, sanitizing), the detail's records from API
# JSON, and script files.
UNIT_TESTS += tests/unit/tui/test_log_ring tests/unit/tui/test_detail_records \
	tests/unit/tui/test_script_file
check_PROGRAMS += tests/unit/tui/test_log_ring tests/unit/tui/test_detail_records \
	tests/unit/tui/test_script_file
tests_unit_tui_test_log_ring_SOURCES = tests/unit/tui/test_log_ring.c tui/log_ring.c tui/log_ring.h
tests_unit_tui_test_log_ring_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_log_ring_LDADD = $(TUI_UNIT_LDADD)
tests_unit_tui_test_detail_records_SOURCES = tests/unit/tui/test_detail_records.c \
	tui/detail_records.c tui/detail_records.h
tests_unit_tui_test_detail_records_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_detail_records_LDADD = $(TUI_UNIT_LDADD) $(CORE_LIBS)
tests_unit_tui_test_script_file_SOURCES = tests/unit/tui/test_script_file.c tui/script_file.c tui/script_file.h
tests_unit_tui_test_script_file_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_script_file_LDADD = $(TUI_UNIT_LDADD) $(CORE_LIBS)

# Integration tests: the scripted off-screen mode and a real terminal (tmux).
TUI_INTEGRATION = \
	tests/integration/tui/test_console_script.sh \
	tests/integration/tui/test_console_tmux.sh \
	tests/integration/tui/test_console_deploy.sh
INTEGRATION_TESTS += $(TUI_INTEGRATION)
# Logs, the detail's fetched parts, the scripted-mode tools; a live tmux run.
INTEGRATION_TESTS += tests/integration/tui/test_console_logs.sh tests/integration/tui/test_console_tmux_live.sh
dist_check_SCRIPTS += tests/integration/tui/test_console_logs.sh tests/integration/tui/test_console_tmux_live.sh \
	tests/integration/tui/drop_proxy.py
dist_check_SCRIPTS += $(TUI_INTEGRATION) tests/integration/tui/lib-tui.sh

# The Deploy screen's output pane (pure: lines, bounds, sanitizing).
UNIT_TESTS += tests/unit/tui/test_deploy_log
check_PROGRAMS += tests/unit/tui/test_deploy_log
tests_unit_tui_test_deploy_log_SOURCES = tests/unit/tui/test_deploy_log.c tui/deploy_log.c tui/deploy_log.h
tests_unit_tui_test_deploy_log_CFLAGS = $(TUI_UNIT_CFLAGS)
tests_unit_tui_test_deploy_log_LDADD = $(TUI_UNIT_LDADD) $(CORE_LIBS)
