# kanalytic's Parquet library as a C analytic vendors it: build.include copies tool/parquet,
# tool/table and tool/util into the analytic's vendor/tool/, and its Makefile (template/c)
# includes this file. The boundary: the sources below (paths relative to tool/) use only each
# other, libc and the codecs (zlib, snappy, zstd, lz4) -- no libgit2, libyaml, libcurl,
# jansson or libarchive -- and analytics use only the headers in PQLIB_HEADERS.
# `make check-library` (run by `make unit`) links the list on its own with nothing else, so a
# file that reaches outside the boundary fails the repository's tests, not an analytic's build.
PQLIB_HEADERS = parquet/parquet.h table/table.h table/compare.h table/format.h util/buf.h \
	util/error.h util/xalloc.h
PQLIB_SRC = parquet/codec_names.c parquet/columns.c parquet/compress.c parquet/decompress.c \
	parquet/encodings.c parquet/metadata.c parquet/reader.c parquet/stream_compare.c \
	parquet/thrift_read.c parquet/thrift_write.c parquet/writer.c \
	table/compare.c table/format.c table/table.c \
	util/buf.c util/error.c util/fs.c util/quote.c util/xalloc.c
PQLIB_LIBS = -lsnappy -lzstd -llz4 -lz -lstdc++ -lm -lpthread
