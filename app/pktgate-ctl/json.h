/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#ifndef PG_CTL_JSON_H
#define PG_CTL_JSON_H

/*
 * Just enough JSON reading for pktgate-ctl's human view of the replies of
 * our own server (lib/ctlsock): a tree of nodes, strings decoded in place.
 */

#include <stdbool.h>
#include <stddef.h>

enum pg_jnode_type { PG_J_OBJECT, PG_J_ARRAY, PG_J_STRING, PG_J_NUMBER, PG_J_BOOL, PG_J_NULL };

struct pg_jnode {
	enum pg_jnode_type type;
	const char *key;           /* member name inside an object, else NULL */
	const char *text;          /* string value, number as written, "true"... */
	struct pg_jnode *child;    /* first member / element */
	struct pg_jnode *next;     /* next sibling */
	size_t n_children;
	char num[32];              /* a number's text */
};

/*
 * Parse @p text (modified in place; must stay alive with the tree). Every
 * node lives in one array whose first node is the root.
 * Returns the root, or NULL if it is not one complete JSON value; free
 * with pg_json_tree_free().
 */
struct pg_jnode *pg_json_tree_parse(char *text);
void pg_json_tree_free(struct pg_jnode *root);

/* Member @p key of object @p obj, or NULL. */
const struct pg_jnode *pg_json_get(const struct pg_jnode *obj, const char *key);

static inline bool
pg_json_is_scalar(const struct pg_jnode *n)
{
	return n->type != PG_J_OBJECT && n->type != PG_J_ARRAY;
}

#endif
