/* confdefs.h */
#define PACKAGE_NAME "odoo-saas"
#define PACKAGE_TARNAME "odoo-saas"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "odoo-saas 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "odoo-saas"
#define VERSION "0.1.0"
