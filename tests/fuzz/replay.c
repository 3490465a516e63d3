/*
 * replay.c - main() for a fuzz target without libFuzzer: each file named on
 * the command line, or each file in a directory named there, goes through
 * LLVMFuzzerTestOneInput() once, in name order.  The target's own checks
 * abort on a bad answer, so a line "ran N inputs" at the end means every
 * input passed them.  Lets every test suite (plain, sanitizers) replay the
 * seed corpus and any crash input kept as a regression test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX (1024 * 1024)

/* Run one file; 0, or -1 when it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(INPUT_MAX);
    size_t n;

    if (!f || !buf) {
        if (f)
            fclose(f);
        free(buf);
        return -1;
    }
    n = fread(buf, 1, INPUT_MAX, f);
    fclose(f);
    if (getenv("FUZZ_REQUEST_VERBOSE"))   /* names the answer printed next */
        fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file in dir; the count run, or -1. */
static int run_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), ran = 0;
    char path[4096];
    struct stat st;

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) == 0)
            ran++;
        free(names[i]);
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    struct stat st;
    int total = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        int n = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? run_dir(argv[i])
                                                                : run_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 1;
        }
        total += n;
    }
    printf("ran %d inputs\n", total);
    return 0;
}
