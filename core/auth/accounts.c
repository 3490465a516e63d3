/*
 * accounts.c - the local account store: SQLite, WAL mode, argon2id.
 *
 * One table, accounts(id, email UNIQUE, hash, admin, created_at).  Every
 * statement is prepared once at open with bound parameters; no SQL is ever
 * built from input.  One mutex serialises the statements (the connection is
 * shared by the HTTP threads); password hashing and verification, the slow
 * part, run outside it.  Logging in with an unknown email verifies a dummy
 * hash made at open, so it costs the same time as a wrong password and
 * fails with the same message.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "auth.h"

#define BAD_LOGIN "email or password is wrong"

enum stmt { ST_INSERT, ST_GET, ST_SET_ADMIN, ST_COUNT, ST_N };

static const char *const sql[ST_N] = {
    [ST_INSERT] = "INSERT INTO accounts(email, hash, admin, created_at) VALUES (?1, ?2, ?3, ?4)",
    [ST_GET] = "SELECT id, email, hash, admin, created_at FROM accounts WHERE email = ?1",
    [ST_SET_ADMIN] = "UPDATE accounts SET admin = ?2 WHERE email = ?1",
    [ST_COUNT] = "SELECT count(*) FROM accounts",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS accounts ("
    " id INTEGER PRIMARY KEY,"
    " email TEXT NOT NULL UNIQUE,"
    " hash TEXT NOT NULL,"
    " admin INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL)";

struct auth_accounts {
    sqlite3 *db;
    sqlite3_stmt *st[ST_N];
    pthread_mutex_t lock;
    char dummy_hash[AUTH_HASH_MAX];
};

static int db_fail(struct auth_accounts *a, struct os_error *err, const char *what)
{
    return os_error_set(err, OS_ERR_IO, "accounts database: %s: %s", what,
                        a->db ? sqlite3_errmsg(a->db) : "cannot open");
}

static int make_dummy(struct auth_accounts *a, struct os_error *err)
{
    unsigned char raw[16];
    char pw[sizeof(raw) * 2 + 1];
    int rc;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
    rc = auth_password_hash(pw, a->dummy_hash, err);
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

int auth_accounts_open(const char *path, struct auth_accounts **out, struct os_error *err)
{
    struct auth_accounts *a = calloc(1, sizeof(*a));

    *out = NULL;
    if (!a)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&a->lock, NULL);
    if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        db_fail(a, err, path);
        auth_accounts_close(a);
        return err->code;
    }
    sqlite3_busy_timeout(a->db, 5000);
    if (sqlite3_exec(a->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(a->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(a->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(a, err, path);
        auth_accounts_close(a);
        return err->code;
    }
    for (int i = 0; i < ST_N; i++) {
        if (sqlite3_prepare_v2(a->db, sql[i], -1, &a->st[i], NULL) != SQLITE_OK) {
            db_fail(a, err, "prepare");
            auth_accounts_close(a);
            return err->code;
        }
    }
    if (make_dummy(a, err) < 0) {
        auth_accounts_close(a);
        return err->code;
    }
    *out = a;
    return 0;
}

void auth_accounts_close(struct auth_accounts *a)
{
    if (!a)
        return;
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(a->st[i]);
    sqlite3_close(a->db);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void now_rfc3339(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void copy_col(sqlite3_stmt *s, int col, char *out, size_t len)
{
    const unsigned char *v = sqlite3_column_text(s, col);
    snprintf(out, len, "%s", v ? (const char *)v : "");
}

/* Look up email under the lock: 1 found (out and hash filled), 0 not, <0 error. */
static int lookup(struct auth_accounts *a, const char *email, struct auth_account *out,
                  char hash[AUTH_HASH_MAX], struct os_error *err)
{
    sqlite3_stmt *s = a->st[ST_GET];
    int rc, found = 0;

    pthread_mutex_lock(&a->lock);
    sqlite3_bind_text(s, 1, email, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        copy_col(s, 1, out->email, sizeof(out->email));
        copy_col(s, 2, hash, AUTH_HASH_MAX);
        out->admin = sqlite3_column_int(s, 3) != 0;
        copy_col(s, 4, out->created_at, sizeof(out->created_at));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(a, err, "lookup");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    pthread_mutex_unlock(&a->lock);
    return found;
}

static int insert(struct auth_accounts *a, const char *email, const char *hash, int admin,
                  struct auth_account *out, struct os_error *err)
{
    sqlite3_stmt *s = a->st[ST_INSERT];
    int rc;

    pthread_mutex_lock(&a->lock);
    now_rfc3339(out->created_at, sizeof(out->created_at));
    sqlite3_bind_text(s, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, admin ? 1 : 0);
    sqlite3_bind_text(s, 4, out->created_at, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        out->id = sqlite3_last_insert_rowid(a->db);
        rc = 0;
    } else if (sqlite3_extended_errcode(a->db) == SQLITE_CONSTRAINT_UNIQUE) {
        rc = os_error_set(err, OS_ERR_INVALID, "an account with this email already exists");
        snprintf(err->reason, sizeof(err->reason), "AlreadyExists");
    } else {
        rc = db_fail(a, err, "insert");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int auth_accounts_create(struct auth_accounts *a, const char *email, const char *password,
                         int admin, struct auth_account *out, struct os_error *err)
{
    char norm[AUTH_EMAIL_MAX + 1], hash[AUTH_HASH_MAX];
    int rc;

    memset(out, 0, sizeof(*out));
    if (auth_email_normalize(email, norm, sizeof(norm), err) < 0 ||
        auth_password_check(password, err) < 0)
        return err->code;
    if (auth_password_hash(password, hash, err) < 0)
        return err->code;
    rc = insert(a, norm, hash, admin, out, err);
    sodium_memzero(hash, sizeof(hash));
    if (rc == 0) {
        snprintf(out->email, sizeof(out->email), "%s", norm);
        out->admin = admin != 0;
    }
    return rc;
}

int auth_accounts_login(struct auth_accounts *a, const char *email, const char *password,
                        struct auth_account *out, struct os_error *err)
{
    char norm[AUTH_EMAIL_MAX + 1], hash[AUTH_HASH_MAX];
    struct os_error ignore;
    int found = 0, ok;

    memset(out, 0, sizeof(*out));
    if (!password || strlen(password) > AUTH_PASSWORD_MAX)
        password = "";
    if (auth_email_normalize(email, norm, sizeof(norm), &ignore) == 0)
        found = lookup(a, norm, out, hash, err);
    if (found < 0)
        return found;
    ok = auth_password_verify(found ? hash : a->dummy_hash, password);
    sodium_memzero(hash, sizeof(hash));
    if (!found || !ok) {
        memset(out, 0, sizeof(*out));
        return os_error_set(err, OS_ERR_AUTH, BAD_LOGIN);
    }
    return 0;
}

int auth_accounts_get(struct auth_accounts *a, const char *email, struct auth_account *out,
                      struct os_error *err)
{
    char hash[AUTH_HASH_MAX];
    int found;

    memset(out, 0, sizeof(*out));
    found = lookup(a, email, out, hash, err);
    sodium_memzero(hash, sizeof(hash));
    if (found < 0)
        return found;
    if (!found) {
        os_error_set(err, OS_ERR_INVALID, "no account with this email");
        snprintf(err->reason, sizeof(err->reason), "NotFound");
        return OS_ERR_INVALID;
    }
    return 0;
}

int auth_accounts_set_admin(struct auth_accounts *a, const char *email, int admin,
                            struct os_error *err)
{
    sqlite3_stmt *s = a->st[ST_SET_ADMIN];
    int rc;

    pthread_mutex_lock(&a->lock);
    sqlite3_bind_text(s, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, admin ? 1 : 0);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(a, err, "update");
    if (rc == 0 && sqlite3_changes(a->db) == 0) {
        rc = os_error_set(err, OS_ERR_INVALID, "no account with this email");
        snprintf(err->reason, sizeof(err->reason), "NotFound");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int64_t auth_accounts_count(struct auth_accounts *a, struct os_error *err)
{
    sqlite3_stmt *s = a->st[ST_COUNT];
    int64_t n;

    pthread_mutex_lock(&a->lock);
    n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : db_fail(a, err, "count");
    sqlite3_reset(s);
    pthread_mutex_unlock(&a->lock);
    return n;
}
