/*
 * Aligned text tables for clusterctl's human output.
 *
 * A header row, then one line per row; columns are as wide as their widest
 * cell (counted in characters, not bytes) and two spaces apart; numeric
 * columns are right-aligned; the last column is not padded, so no line
 * ends in blanks. Cells are escaped (format.c) so a row stays one line.
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t ncols;
	const char *const *headers;
	const bool *right;
	char **cells; /* nrows * ncols, row after row */
	size_t nrows;
	size_t cap; /* rows allocated */
};

struct table *table_new(size_t ncols, const char *const *headers,
			const bool *right)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = headers;
	t->right = right;
	return t;
}

int table_add_row(struct table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown =
		    reallocarray(t->cells, cap * t->ncols, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->cells = grown;
		t->cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = text_escape(cells[i] ? cells[i] : "");
		if (!row[i]) {
			while (i > 0)
				free(row[--i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static void print_cell(const struct table *t, FILE *out, size_t col,
		       const char *cell, const size_t *width)
{
	size_t pad = width[col] - text_width(cell);
	bool right = t->right && t->right[col];
	bool last = col == t->ncols - 1;

	if (col > 0)
		fputs("  ", out);
	if (right)
		fprintf(out, "%*s", (int)pad, "");
	fputs(cell, out);
	if (!right && !last)
		fprintf(out, "%*s", (int)pad, "");
}

void table_print(const struct table *t, FILE *out)
{
	size_t width[t->ncols];

	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = text_width(t->headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t c = 0; c < t->ncols; c++)
		print_cell(t, out, c, t->headers[c], width);
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			print_cell(t, out, c, t->cells[r * t->ncols + c],
				   width);
		fputc('\n', out);
	}
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
