/* config.h for fuzz builds outside a configured tree. */
#define HAVE_EXPLICIT_BZERO 1
#define PACKAGE_VERSION "fuzz"
