// SPDX-License-Identifier: MIT
/*
 * A small, complete vsnprintf.  Output goes through a cursor that counts every
 * character but stores only those that fit, which gives C99's return value
 * (the untruncated length) for free.
 */
#include "lib/format.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec;   /* -1: none */
	int length; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void
put_str(struct out *o, const struct spec *sp, const char *s)
{
	int n;

	if (!s)
		s = "(null)";
	n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

/* Format one integer: sign or prefix, zero padding, digits, field width. */
static void
put_num(struct out *o, const struct spec *sp, unsigned long long v, bool neg,
	int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], prefix[3] = { 0 };
	int n = 0, plen = 0, zeros, total;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && sp->prec != 0)
		tmp[n++] = '0';
	if (neg)
		prefix[plen++] = '-';
	else if (sp->plus)
		prefix[plen++] = '+';
	else if (sp->space)
		prefix[plen++] = ' ';
	if (sp->alt && base == 16 && !(n == 1 && tmp[0] == '0')) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && tmp[n - 1] != '0') {
		prefix[plen++] = '0';
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > plen + n)
		zeros = sp->width - plen - n;
	total = plen + zeros + n;
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *
parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0)
			sp->left = true, sp->width = -sp->width;
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	for (;; f++) {
		if (*f == 'l') sp->length++;
		else if (*f == 'h') sp->length--;
		else if (*f == 'z' || *f == 't' || *f == 'j') sp->length = 2;
		else break;
	}
	return f;
}

static unsigned long long
arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2) return va_arg(*ap, unsigned long long);
	if (sp->length == 1) return va_arg(*ap, unsigned long);
	if (sp->length == -1) return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->length <= -2) return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static long long
arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2) return va_arg(*ap, long long);
	if (sp->length == 1) return va_arg(*ap, long);
	if (sp->length == -1) return (short)va_arg(*ap, int);
	if (sp->length <= -2) return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static void
convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	long long s;
	char ch;

	switch (c) {
	case 'd': case 'i':
		s = arg_signed(sp, ap);
		put_num(o, sp, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
			s < 0, 10, false);
		break;
	case 'u': put_num(o, sp, arg_unsigned(sp, ap), false, 10, false); break;
	case 'x': put_num(o, sp, arg_unsigned(sp, ap), false, 16, false); break;
	case 'X': put_num(o, sp, arg_unsigned(sp, ap), false, 16, true); break;
	case 'o': put_num(o, sp, arg_unsigned(sp, ap), false, 8, false); break;
	case 'p':
		sp->alt = true;
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case 's': put_str(o, sp, va_arg(*ap, const char *)); break;
	case 'c':
		ch = (char)va_arg(*ap, int);
		if (!sp->left) pad(o, ' ', sp->width - 1);
		put(o, ch);
		if (sp->left) pad(o, ' ', sp->width - 1);
		break;
	case '%': put(o, '%'); break;
	default: /* Unknown conversion: show it rather than guess. */
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		convert(&o, &sp, *f, &aq);
		if (!*f)
			break;
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
