// SPDX-License-Identifier: MPL-2.0
// Linux-style kernel command line parsing: key=value, bare flags, "--" init args.
#include <stdint.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <uapi/errno.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Raw extent of one whitespace-separated word, honouring double quotes.
struct word {
	const char *start;
	size_t len;
};

// Finds the next word at or after *pos; false at the end of the string.
static bool next_word(const char **pos, struct word *w)
{
	const char *p = *pos;
	bool quoted = false;

	while (is_space(*p))
		p++;
	if (!*p)
		return false;
	w->start = p;
	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
	}
	w->len = (size_t)(p - w->start);
	*pos = p;
	return true;
}

static bool is_dashes(const struct word *w)
{
	return w->len == 2 && w->start[0] == '-' && w->start[1] == '-';
}

// Drops one leading quote and, if then present, one trailing quote.
static void strip_quotes(const char **s, size_t *len)
{
	if (*len && **s == '"') {
		(*s)++;
		(*len)--;
		if (*len && (*s)[*len - 1] == '"')
			(*len)--;
	}
}

// Splits a word into key and optional value; quotes are removed from the
// whole word ("k=v w") or from the value alone (k="v w").
static void split_word(const struct word *w, struct cmdline_param *p)
{
	const char *s = w->start;
	size_t len = w->len;
	const char *eq;

	strip_quotes(&s, &len);
	eq = memchr(s, '=', len);
	p->key = s;
	if (!eq) {
		p->key_len = len;
		p->val = NULL;
		p->val_len = 0;
		return;
	}
	p->key_len = (size_t)(eq - s);
	p->val = eq + 1;
	p->val_len = len - p->key_len - 1;
	strip_quotes(&p->val, &p->val_len);
}

void cmdline_iter_init(struct cmdline_iter *it, const char *cmdline)
{
	it->pos = cmdline ? cmdline : "";
}

bool cmdline_next(struct cmdline_iter *it, struct cmdline_param *p)
{
	struct word w;

	if (!next_word(&it->pos, &w))
		return false;
	if (is_dashes(&w)) {
		it->pos = w.start; // stay at "--": every later call also ends here
		return false;
	}
	split_word(&w, p);
	return true;
}

// Linux treats '-' and '_' in parameter names as the same character.
static bool key_eq(const char *k, size_t klen, const char *want)
{
	size_t i;

	for (i = 0; i < klen; i++) {
		char a = k[i] == '-' ? '_' : k[i];
		char b = want[i] == '-' ? '_' : want[i];
		if (!b || a != b)
			return false;
	}
	return want[i] == '\0';
}

bool cmdline_get(const char *cmdline, const char *key, char *out, size_t outsz)
{
	struct cmdline_iter it;
	struct cmdline_param p, found = { 0 };

	cmdline_iter_init(&it, cmdline);
	while (cmdline_next(&it, &p)) {
		if (p.val && key_eq(p.key, p.key_len, key))
			found = p;
	}
	if (!found.val || outsz == 0)
		return false;
	size_t n = found.val_len < outsz - 1 ? found.val_len : outsz - 1;
	memcpy(out, found.val, n);
	out[n] = '\0';
	return true;
}

bool cmdline_has(const char *cmdline, const char *flag)
{
	struct cmdline_iter it;
	struct cmdline_param p;

	cmdline_iter_init(&it, cmdline);
	while (cmdline_next(&it, &p)) {
		if (!p.val && key_eq(p.key, p.key_len, flag))
			return true;
	}
	return false;
}

// Positions *pos just after the first standalone "--"; false if none.
static bool skip_to_init_args(const char **pos)
{
	struct word w;

	while (next_word(pos, &w)) {
		if (is_dashes(&w))
			return true;
	}
	return false;
}

// Appends "key" or "key=value" plus a NUL at buf[*used]; -E2BIG if full.
static int copy_arg(const struct cmdline_param *p, char *buf, size_t bufsz, size_t *used)
{
	size_t need = p->key_len + (p->val ? 1 + p->val_len : 0) + 1;
	char *d;

	if (need > bufsz - *used)
		return -E2BIG;
	d = buf + *used;
	memcpy(d, p->key, p->key_len);
	d += p->key_len;
	if (p->val) {
		*d++ = '=';
		memcpy(d, p->val, p->val_len);
		d += p->val_len;
	}
	*d = '\0';
	*used += need;
	return 0;
}

int cmdline_init_args(const char *cmdline, char *buf, size_t bufsz,
		      const char **argv, size_t max_args)
{
	const char *pos = cmdline ? cmdline : "";
	struct word w;
	struct cmdline_param p;
	size_t argc = 0, used = 0;

	if (!skip_to_init_args(&pos))
		return 0;
	while (next_word(&pos, &w)) {
		split_word(&w, &p);
		size_t start = used;
		if (argc == max_args || argc >= INT32_MAX)
			return -E2BIG;
		int err = copy_arg(&p, buf, bufsz, &used);
		if (err)
			return err;
		argv[argc++] = buf + start;
	}
	return (int)argc;
}
