/* Defensive extraction of a tar that came out of a container (docker archive GET): the
 * contents are untrusted. Only regular files and directories are accepted, under relative
 * paths without "..": absolute paths, parent references, symbolic and hard links, devices,
 * FIFOs and sockets are refused, as are archives beyond a byte or entry cap. Nothing on the
 * host is ever followed: every component is opened with O_NOFOLLOW below a directory the
 * caller created, and files are created with O_EXCL. */
#ifndef KANALYTIC_RUNNER_EXTRACT_H
#define KANALYTIC_RUNNER_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#define EXTRACT_DEFAULT_MAX_BYTES ((uint64_t)256 << 20)
#define EXTRACT_DEFAULT_MAX_ENTRIES 10000

struct extract_limits {
    uint64_t max_bytes; /* total bytes of file contents */
    size_t max_entries;
    /* entries at or below this path ("data/input") are skipped: neither written nor
     * counted against max_bytes; NULL: none */
    const char *skip;
};
#define EXTRACT_LIMITS_INIT                                                                        \
    {                                                                                              \
        EXTRACT_DEFAULT_MAX_BYTES, EXTRACT_DEFAULT_MAX_ENTRIES, NULL                               \
    }

struct extract_file {
    char *path; /* relative, normalised: "output/0.parquet.gz" */
    uint64_t size;
};

struct extract_list {
    struct extract_file *files; /* regular files, in archive order */
    size_t count;
    uint64_t total_bytes;
};

/* Extracts the tar in data[0..len) into dest_dir (an existing, private directory). On a
 * refused entry returns -1 with the error slot naming the entry and the rule ("entry
 * 'output/0.parquet.gz' is a symbolic link to '/etc/passwd': refused"); what was already
 * extracted stays for the caller to remove (fs_remove_tree). */
int extract_tar(const void *data, size_t len, const char *dest_dir,
                const struct extract_limits *limits, struct extract_list *out);
void extract_list_free(struct extract_list *l);

#endif
