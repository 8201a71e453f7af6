/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Objects with more members than this are shown as blocks, not rows. */
#define MAX_TABLE_COLUMNS 6
#define MAX_COLUMNS 64

static int
key_width(const struct pg_jnode *first, bool scalars_only)
{
	const struct pg_jnode *c;
	int w = 0;

	for (c = first; c != NULL; c = c->next)
		if (c->key != NULL && (!scalars_only || pg_json_is_scalar(c)) &&
		    (int)strlen(c->key) > w)
			w = (int)strlen(c->key);
	return w;
}

static const char *
scalar_text(const struct pg_jnode *n)
{
	switch (n->type) {
	case PG_J_STRING:
		return n->text[0] != '\0' ? n->text : "\"\"";
	case PG_J_OBJECT:
		return "{...}";
	case PG_J_ARRAY:
		return "[...]";
	default:
		return n->text;
	}
}

/* The members of @p obj as "key  value" lines. */
static void
block(const struct pg_jnode *obj, const char *indent, FILE *out)
{
	const struct pg_jnode *c;
	int w = key_width(obj->child, false);

	for (c = obj->child; c != NULL; c = c->next)
		fprintf(out, "%s%-*s  %s\n", indent, w, c->key, scalar_text(c));
}

/* True when every element is an object of at most MAX_TABLE_COLUMNS scalars. */
static bool
is_table(const struct pg_jnode *arr)
{
	const struct pg_jnode *e, *c;

	for (e = arr->child; e != NULL; e = e->next) {
		if (e->type != PG_J_OBJECT || e->n_children > MAX_TABLE_COLUMNS ||
		    e->n_children != arr->child->n_children)
			return false;
		for (c = e->child; c != NULL; c = c->next)
			if (!pg_json_is_scalar(c))
				return false;
	}
	return true;
}

/* Columns are the first element's keys; widths fit the widest cell. */
static void
table(const struct pg_jnode *arr, FILE *out)
{
	const struct pg_jnode *e, *c;
	int width[MAX_COLUMNS] = { 0 };
	unsigned int i, n = 0;

	for (c = arr->child->child; c != NULL && n < MAX_COLUMNS; c = c->next, n++)
		width[n] = (int)strlen(c->key);
	for (e = arr->child; e != NULL; e = e->next)
		for (c = e->child, i = 0; c != NULL && i < n; c = c->next, i++)
			if ((int)strlen(scalar_text(c)) > width[i])
				width[i] = (int)strlen(scalar_text(c));
	for (c = arr->child->child, i = 0; c != NULL && i < n; c = c->next, i++)
		fprintf(out, "%s%-*s", i > 0 ? "  " : "", c->next != NULL ? width[i] : 0, c->key);
	fputc('\n', out);
	for (e = arr->child; e != NULL; e = e->next) {
		for (c = e->child, i = 0; c != NULL && i < n; c = c->next, i++)
			fprintf(out, "%s%-*s", i > 0 ? "  " : "", c->next != NULL ? width[i] : 0,
				scalar_text(c));
		fputc('\n', out);
	}
}

static void
array(const struct pg_jnode *arr, FILE *out)
{
	const struct pg_jnode *e;

	if (arr->n_children == 0) {
		fprintf(out, "%s: none\n", arr->key);
		return;
	}
	if (is_table(arr)) {
		table(arr, out);
		return;
	}
	fprintf(out, "%s:\n", arr->key);
	for (e = arr->child; e != NULL; e = e->next) {
		if (e->type == PG_J_OBJECT) {
			block(e, "  ", out);
			if (e->next != NULL)
				fputc('\n', out);
		} else {
			fprintf(out, "  %s\n", scalar_text(e));
		}
	}
}

void
pg_ctl_render(const struct pg_jnode *reply, FILE *out)
{
	const struct pg_jnode *c, *count, *offset, *list = NULL;
	int w = key_width(reply->child, true);

	for (c = reply->child; c != NULL; c = c->next)
		if (pg_json_is_scalar(c) && strcmp(c->key, "ok") != 0)
			fprintf(out, "%-*s  %s\n", w, c->key, scalar_text(c));
	for (c = reply->child; c != NULL; c = c->next) {
		if (c->type == PG_J_OBJECT) {
			fprintf(out, "%s:\n", c->key);
			block(c, "  ", out);
		} else if (c->type == PG_J_ARRAY) {
			array(c, out);
			list = c;
		}
	}
	/* A paged list: say where the next page starts. */
	count = pg_json_get(reply, "count");
	offset = pg_json_get(reply, "offset");
	if (list != NULL && count != NULL && offset != NULL) {
		unsigned long long n = strtoull(count->text, NULL, 10);
		unsigned long long next = strtoull(offset->text, NULL, 10) + list->n_children;

		if (next < n)
			fprintf(out, "(%llu more: add the offset %llu to see the next page)\n",
				n - next, next);
	}
}
