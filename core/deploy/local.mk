# core/deploy: SSH deployment with libssh2: known_hosts, auth, SFTP upload, steps.
libodoosaas_a_SOURCES += \
	core/deploy/deploy.h core/deploy/ssh.h \
	core/deploy/known_hosts.c \
	core/deploy/ssh_session.c \
	core/deploy/ssh_exec.c \
	core/deploy/exit_trailer.c \
	core/deploy/sftp_upload.c \
	core/deploy/steps.c \
	core/deploy/deploy.c

# Unit tests of the pure parts: fingerprints, targets, step selection,
# join URL parsing, checksum lists.
DEPLOY_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SSH2_CFLAGS)
DEPLOY_UNIT_LDADD = $(CORE_LIBS) $(SSH2_LIBS) $(CMOCKA_LIBS)
UNIT_TESTS += tests/unit/deploy/test_deploy_pure
check_PROGRAMS += tests/unit/deploy/test_deploy_pure
tests_unit_deploy_test_deploy_pure_SOURCES = tests/unit/deploy/test_deploy_pure.c
tests_unit_deploy_test_deploy_pure_CFLAGS = $(DEPLOY_UNIT_CFLAGS)
tests_unit_deploy_test_deploy_pure_LDADD = $(DEPLOY_UNIT_LDADD)

# Integration tests: a real OpenSSH sshd on 127.0.0.1 with throwaway keys,
# recording stand-ins for snap, microk8s, systemctl, ... on its PATH.
check_PROGRAMS += tests/integration/deploy/deploy_exec
tests_integration_deploy_deploy_exec_SOURCES = tests/integration/deploy/deploy_exec.c
tests_integration_deploy_deploy_exec_CFLAGS = $(DEPLOY_UNIT_CFLAGS)
tests_integration_deploy_deploy_exec_LDADD = $(CORE_LIBS) $(SSH2_LIBS)
DEPLOY_INTEGRATION = \
	tests/integration/deploy/test_deploy_ssh.sh \
	tests/integration/deploy/test_deploy_steps.sh \
	tests/integration/deploy/test_deploy_daemon.sh
INTEGRATION_TESTS += $(DEPLOY_INTEGRATION)
dist_check_SCRIPTS += $(DEPLOY_INTEGRATION) tests/integration/deploy/lib-deploy.sh
EXTRA_DIST += tests/integration/deploy/doubles
check_PROGRAMS += tests/integration/deploy/deploy_loop
tests_integration_deploy_deploy_loop_SOURCES = tests/integration/deploy/deploy_loop.c
tests_integration_deploy_deploy_loop_CFLAGS = $(DEPLOY_UNIT_CFLAGS)
tests_integration_deploy_deploy_loop_LDADD = $(CORE_LIBS) $(SSH2_LIBS)

# The platform manifests and Traefik values the deploy uploads (the rest of
# kubernetes/ is dist_ data below).
EXTRA_DIST += kubernetes/traefik/values.yaml \
	kubernetes/platform/00-namespace.yaml docs/deploy.md

# Installed for the deploy: outside a source tree --platform-dir defaults to
# $(pkgdatadir), which must then hold kubernetes/ and templates/.
k8splatformdir = $(pkgdatadir)/kubernetes/platform
k8splatform_DATA = kubernetes/platform/00-namespace.yaml
k8straefikdir = $(pkgdatadir)/kubernetes/traefik
k8straefik_DATA = kubernetes/traefik/values.yaml
k8ssaasddir = $(pkgdatadir)/kubernetes/odoo-saasd
dist_k8ssaasd_DATA = kubernetes/odoo-saasd/00-serviceaccount.yaml \
	kubernetes/odoo-saasd/05-token.yaml kubernetes/odoo-saasd/10-rbac.yaml \
	kubernetes/odoo-saasd/30-service.yaml kubernetes/odoo-saasd/40-ingressroute.yaml
# odoo-saasd on the host: its unit, config file and EndpointSlice (step
# platform fills in the node's address), uploaded with the rest.
k8shostdir = $(pkgdatadir)/kubernetes/host
dist_k8shost_DATA = kubernetes/host/odoo-saasd.service kubernetes/host/config.yaml \
	kubernetes/host/endpointslice.yaml
tenanttemplatesdir = $(pkgdatadir)/templates
tenanttemplates_DATA = $(TEMPLATE_FILES)
