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
	tui/cmd_tenant_check.c
odoo_saas_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS)
odoo_saas_LDADD = $(CORE_LIBS) $(NCURSES_LIBS) $(SSH2_LIBS)
