# Integration tests of the tenant lifecycle (core/tenant, the CLI) against odoo-saas-sim.
INTEGRATION_TESTS += tests/integration/tenant/test_tenant_cli.sh tests/integration/tenant/test_tenant_faults.sh tests/integration/tenant/test_spread.sh
dist_check_SCRIPTS += tests/integration/tenant/test_tenant_cli.sh tests/integration/tenant/test_tenant_faults.sh tests/integration/tenant/test_spread.sh
