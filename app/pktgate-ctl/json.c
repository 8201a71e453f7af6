/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 16

struct parser {
	char *p;
	struct pg_jnode *pool;
	size_t used, cap;
};

static void
skip_ws(struct parser *ps)
{
	ps->p += strspn(ps->p, " \t\r\n");
}

static struct pg_jnode *
new_node(struct parser *ps, enum pg_jnode_type type)
{
	struct pg_jnode *n;

	if (ps->used == ps->cap)
		return NULL;
	n = &ps->pool[ps->used++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	return n;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the string at ps->p (after the quote) in place; NULL if bad. */
static const char *
parse_string(struct parser *ps)
{
	char *start = ps->p, *w = ps->p;

	for (;;) {
		char c = *ps->p++;

		if (c == '\0')
			return NULL;
		if (c == '"')
			break;
		if (c != '\\') {
			*w++ = c;
			continue;
		}
		c = *ps->p++;
		switch (c) {
		case 'n': *w++ = '\n'; break;
		case 't': *w++ = '\t'; break;
		case 'r': *w++ = '\r'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case '"': case '\\': case '/': *w++ = c; break;
		case 'u': {
			int v = 0, i;

			for (i = 0; i < 4; i++) {
				int h = hexval(ps->p[i]);

				if (h < 0)
					return NULL;
				v = v << 4 | h;
			}
			ps->p += 4;
			/* Our server escapes only bytes; others show as '?'. */
			*w++ = v > 0 && v < 0x80 ? (char)v : '?';
			break;
		}
		default:
			return NULL;
		}
	}
	*w = '\0';
	return start;
}

static struct pg_jnode *parse_value(struct parser *ps, unsigned int depth);

static struct pg_jnode *
parse_container(struct parser *ps, unsigned int depth, bool object)
{
	struct pg_jnode *n = new_node(ps, object ? PG_J_OBJECT : PG_J_ARRAY), **tail;

	if (n == NULL || depth > MAX_DEPTH)
		return NULL;
	tail = &n->child;
	skip_ws(ps);
	if (*ps->p == (object ? '}' : ']')) {
		ps->p++;
		return n;
	}
	for (;;) {
		const char *key = NULL;
		struct pg_jnode *c;

		skip_ws(ps);
		if (object) {
			if (*ps->p++ != '"' || (key = parse_string(ps)) == NULL)
				return NULL;
			skip_ws(ps);
			if (*ps->p++ != ':')
				return NULL;
		}
		c = parse_value(ps, depth + 1);
		if (c == NULL)
			return NULL;
		c->key = key;
		*tail = c;
		tail = &c->next;
		n->n_children++;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != (object ? '}' : ']'))
			return NULL;
		return n;
	}
}

static struct pg_jnode *
parse_value(struct parser *ps, unsigned int depth)
{
	static const struct {
		const char *word;
		enum pg_jnode_type type;
	} words[] = { { "true", PG_J_BOOL }, { "false", PG_J_BOOL }, { "null", PG_J_NULL } };
	struct pg_jnode *n;
	unsigned int i;
	size_t len;

	skip_ws(ps);
	if (*ps->p == '{' || *ps->p == '[') {
		bool object = *ps->p == '{';

		ps->p++;
		return parse_container(ps, depth, object);
	}
	if (*ps->p == '"') {
		ps->p++;
		n = new_node(ps, PG_J_STRING);
		if (n == NULL || (n->text = parse_string(ps)) == NULL)
			return NULL;
		return n;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		len = strlen(words[i].word);
		if (strncmp(ps->p, words[i].word, len) == 0) {
			n = new_node(ps, words[i].type);
			if (n == NULL)
				return NULL;
			n->text = words[i].word;
			ps->p += len;
			return n;
		}
	}
	len = strspn(ps->p, "-+.eE0123456789");
	if (len == 0 || len >= sizeof(n->num))
		return NULL;
	n = new_node(ps, PG_J_NUMBER);
	if (n == NULL)
		return NULL;
	/* Copied: the text right after it is the next token. */
	memcpy(n->num, ps->p, len);
	n->num[len] = '\0';
	n->text = n->num;
	ps->p += len;
	return n;
}

struct pg_jnode *
pg_json_tree_parse(char *text)
{
	struct parser ps;
	struct pg_jnode *root;

	ps.p = text;
	ps.used = 0;
	/* A node needs at least two bytes of text ("1,"): this always fits. */
	ps.cap = strlen(text) / 2 + 2;
	ps.pool = calloc(ps.cap, sizeof(*ps.pool));
	if (ps.pool == NULL)
		return NULL;
	root = parse_value(&ps, 0);
	if (root != NULL) {
		skip_ws(&ps);
		if (*ps.p != '\0')
			root = NULL;
	}
	if (root == NULL) {
		free(ps.pool);
		return NULL;
	}
	return root;
}

/* Every node lives in one pool whose first node is the root. */
void
pg_json_tree_free(struct pg_jnode *root)
{
	free(root);
}

const struct pg_jnode *
pg_json_get(const struct pg_jnode *obj, const char *key)
{
	const struct pg_jnode *c;

	if (obj == NULL || obj->type != PG_J_OBJECT)
		return NULL;
	for (c = obj->child; c != NULL; c = c->next)
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}
