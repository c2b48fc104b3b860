// SPDX-License-Identifier: MPL-2.0
// printf-style formatting into a buffer or through a per-character callback.
#include <stdbool.h>
#include <stdint.h>
#include <lib/format.h>

#define F_MINUS 0x01u // left-justify
#define F_ZERO 0x02u  // pad numbers with zeros
#define F_PLUS 0x04u  // always print a sign
#define F_SPACE 0x08u // space in place of a '+' sign
#define F_ALT 0x10u   // '#': 0x prefix for hex, leading 0 for octal

// Width and precision are clamped here so arithmetic on them cannot overflow.
#define FIELD_MAX 0x100000

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_INTMAX };

struct spec {
	unsigned flags;
	int width;
	int prec; // -1 when absent
	enum length len;
	char conv;
};

struct out {
	format_emit_fn emit;
	void *ctx;
	size_t count;
};

static void put(struct out *o, char c)
{
	o->emit(o->ctx, c);
	o->count++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	for (; is_digit(*p); p++) {
		if (v < FIELD_MAX)
			v = v * 10 + (*p - '0');
	}
	*pp = p;
	return v > FIELD_MAX ? FIELD_MAX : v;
}

static unsigned parse_flags(const char **pp)
{
	unsigned f = 0;

	for (;; (*pp)++) {
		switch (**pp) {
		case '-': f |= F_MINUS; break;
		case '0': f |= F_ZERO; break;
		case '+': f |= F_PLUS; break;
		case ' ': f |= F_SPACE; break;
		case '#': f |= F_ALT; break;
		default: return f;
		}
	}
}

static enum length parse_length(const char **pp)
{
	const char *p = *pp;
	enum length len = LEN_INT;

	switch (*p) {
	case 'h':
		len = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		p += p[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		len = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
		p += p[1] == 'l' ? 2 : 1;
		break;
	case 'z': len = LEN_SIZE; p++; break;
	case 't': len = LEN_PTRDIFF; p++; break;
	case 'j': len = LEN_INTMAX; p++; break;
	default: break;
	}
	*pp = p;
	return len;
}

// Parses the directive after '%' into *sp; `ap` supplies '*' arguments.
static void parse_spec(const char **pp, struct spec *sp, va_list *ap)
{
	sp->flags = parse_flags(pp);
	sp->width = 0;
	if (**pp == '*') {
		int w = va_arg(*ap, int);
		(*pp)++;
		if (w < 0) {
			sp->flags |= F_MINUS;
			w = w == INT32_MIN ? FIELD_MAX : -w;
		}
		sp->width = w > FIELD_MAX ? FIELD_MAX : w;
	} else {
		sp->width = parse_num(pp);
	}
	sp->prec = -1;
	if (**pp == '.') {
		(*pp)++;
		if (**pp == '*') {
			int pr = va_arg(*ap, int);
			(*pp)++;
			sp->prec = pr < 0 ? -1 : (pr > FIELD_MAX ? FIELD_MAX : pr);
		} else {
			sp->prec = parse_num(pp);
		}
	}
	sp->len = parse_length(pp);
	sp->conv = **pp;
}

static intmax_t arg_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return va_arg(*ap, long); // ssize_t
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t arg_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned);
	}
}

// Writes the digits of v in `base` backwards from `end`; returns their count.
static int to_digits(uintmax_t v, unsigned base, bool upper, char *end)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--end = set[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

// Emits one number with sign/prefix, precision zeros and width padding.
static void put_number(struct out *o, const struct spec *sp, uintmax_t v,
		       const char *prefix)
{
	char buf[24]; // 22 octal digits cover 64 bits
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	int nd = (v == 0 && sp->prec == 0) ? 0 : to_digits(v, base, sp->conv == 'X', buf + sizeof(buf));
	int zeros = sp->prec > nd ? sp->prec - nd : 0;
	size_t plen = 0;

	while (prefix[plen])
		plen++;
	// '#' with octal: the result must start with a 0, and precision may supply it.
	if (sp->conv == 'o' && (sp->flags & F_ALT) && zeros == 0 && (nd == 0 || buf[sizeof(buf) - nd] != '0'))
		zeros = 1;
	int body = (int)plen + zeros + nd;
	int pad = sp->width > body ? sp->width - body : 0;
	bool zero_pad = (sp->flags & F_ZERO) && !(sp->flags & F_MINUS) && sp->prec < 0;

	if (!(sp->flags & F_MINUS) && !zero_pad)
		put_n(o, ' ', pad);
	put_str(o, prefix, plen);
	if (zero_pad)
		put_n(o, '0', pad);
	put_n(o, '0', zeros);
	put_str(o, buf + sizeof(buf) - nd, (size_t)nd);
	if (sp->flags & F_MINUS)
		put_n(o, ' ', pad);
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	intmax_t v = arg_signed(sp->len, ap);
	// Negate in unsigned arithmetic so INTMAX_MIN does not overflow.
	uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
	const char *sign = v < 0 ? "-" : (sp->flags & F_PLUS) ? "+" : (sp->flags & F_SPACE) ? " " : "";

	put_number(o, sp, mag, sign);
}

static void put_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
	uintmax_t v = arg_unsigned(sp->len, ap);
	const char *prefix = "";

	if ((sp->flags & F_ALT) && v != 0 && sp->conv == 'x')
		prefix = "0x";
	else if ((sp->flags & F_ALT) && v != 0 && sp->conv == 'X')
		prefix = "0X";
	put_number(o, sp, v, prefix);
}

static void put_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

	if (!(sp->flags & F_MINUS))
		put_n(o, ' ', pad);
	put_str(o, s, n);
	if (sp->flags & F_MINUS)
		put_n(o, ' ', pad);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	// Never read past the precision: the string need not be NUL-terminated.
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	put_padded(o, sp, s, n);
}

static void put_pointer(struct out *o, const struct spec *sp, const void *p)
{
	struct spec ps = *sp;

	if (!p) {
		put_padded(o, sp, "(nil)", 5);
		return;
	}
	ps.conv = 'x';
	ps.flags = (sp->flags & F_MINUS) | F_ALT;
	ps.prec = -1;
	put_number(o, &ps, (uintptr_t)p, "0x");
}

// Handles one directive; returns false if the conversion is unknown.
static bool put_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd': case 'i': put_signed(o, sp, ap); return true;
	case 'u': case 'x': case 'X': case 'o': put_unsigned(o, sp, ap); return true;
	case 's': put_string(o, sp, va_arg(*ap, const char *)); return true;
	case 'p': put_pointer(o, sp, va_arg(*ap, const void *)); return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		return true;
	case '%': put(o, '%'); return true;
	default: return false;
	}
}

int kvformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .emit = emit, .ctx = ctx, .count = 0 };
	struct spec sp;
	va_list args;

	// x86-64 va_list is an array type; a local copy can be passed by pointer.
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &sp, &args);
		if (sp.conv && put_conversion(&o, &sp, &args)) {
			fmt++;
			continue;
		}
		// Unknown or truncated directive: show it as written.
		put_str(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	return o.count > INT32_MAX ? INT32_MAX : (int)o.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_emit(void *ctx, char c)
{
	struct buf_sink *s = ctx;

	if (s->pos + 1 < s->size)
		s->buf[s->pos] = c;
	if (s->pos < SIZE_MAX)
		s->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink s = { .buf = buf, .size = size, .pos = 0 };
	int n = kvformat(buf_emit, &s, fmt, ap);

	if (size)
		buf[s.pos < size ? s.pos : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
