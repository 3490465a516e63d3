# core/auth: accounts (SQLite + argon2id), tokens (JWT HS256), rate limits.
# Its own small library, so only the programs that need SQLite link it.
noinst_LIBRARIES += libodoosaas_auth.a
libodoosaas_auth_a_SOURCES = \
	core/auth/auth.h \
	core/auth/password.c \
	core/auth/jwt.c \
	core/auth/ratelimit.c \
	core/auth/accounts.c \
	core/auth/supabase.c
libodoosaas_auth_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
AUTH_LIBS = libodoosaas_auth.a $(CORE_LIBS) $(SQLITE_LIBS) -lpthread -lm

AUTH_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS)
AUTH_UNIT_LDADD = $(AUTH_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/auth/test_jwt tests/unit/auth/test_ratelimit tests/unit/auth/test_accounts
check_PROGRAMS += tests/unit/auth/test_jwt tests/unit/auth/test_ratelimit tests/unit/auth/test_accounts
tests_unit_auth_test_jwt_SOURCES = tests/unit/auth/test_jwt.c
tests_unit_auth_test_jwt_CFLAGS = $(AUTH_UNIT_CFLAGS)
tests_unit_auth_test_jwt_LDADD = $(AUTH_UNIT_LDADD)
tests_unit_auth_test_ratelimit_SOURCES = tests/unit/auth/test_ratelimit.c
tests_unit_auth_test_ratelimit_CFLAGS = $(AUTH_UNIT_CFLAGS)
tests_unit_auth_test_ratelimit_LDADD = $(AUTH_UNIT_LDADD)
tests_unit_auth_test_accounts_SOURCES = tests/unit/auth/test_accounts.c
tests_unit_auth_test_accounts_CFLAGS = $(AUTH_UNIT_CFLAGS)
tests_unit_auth_test_accounts_LDADD = $(AUTH_UNIT_LDADD)
