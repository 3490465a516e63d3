# odoo-saasd: the headless signup API.
bin_PROGRAMS += odoo-saasd
odoo_saasd_SOURCES = api/main.c
odoo_saasd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
odoo_saasd_LDADD = $(CORE_LIBS) $(MHD_LIBS) $(SQLITE_LIBS)
