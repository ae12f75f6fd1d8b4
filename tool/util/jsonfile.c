/* JSON from files and buffers with file:line:col errors. */
#include "jsonfile.h"
#include "buf.h"
#include "error.h"
#include "fs.h"

int json_parse_named(const char *data, size_t len, const char *name, json_t **out)
{
    json_error_t je;
    *out = json_loadb(data, len, 0, &je);
    if (!*out)
        return err_set("%s:%d:%d: not valid JSON: %s", name, je.line, je.column, je.text);
    return 0;
}

int json_read_file(const char *path, size_t max_bytes, json_t **out)
{
    *out = NULL;
    struct buf data = BUF_INIT;
    int r = fs_read_file(path, max_bytes, &data);
    if (r == 0)
        r = json_parse_named(data.data, data.len, path, out);
    buf_free(&data);
    return r < 0 ? -1 : 0;
}
