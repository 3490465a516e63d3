# odoo-saas-sim: a loopback Kubernetes API server stand-in.
bin_PROGRAMS += odoo-saas-sim
odoo_saas_sim_SOURCES = sim/main.c
odoo_saas_sim_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(GNUTLS_CFLAGS)
odoo_saas_sim_LDADD = $(CORE_LIBS) $(MHD_LIBS) $(GNUTLS_LIBS)
