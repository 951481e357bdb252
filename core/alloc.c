/* The model's allocations and their injected failures (core/alloc.h). */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

static _Thread_local uint64_t fail_countdown;
static _Thread_local bool failed;

/* Whether this allocation is the one armed to fail. */
static bool fail_now(void)
{
	if (!fail_countdown || --fail_countdown)
		return false;
	failed = true;
	return true;
}

void *core_alloc(size_t size)
{
	return fail_now() ? NULL : malloc(size);
}

void *core_zalloc(size_t n, size_t size)
{
	return fail_now() ? NULL : calloc(n, size);
}

void *core_realloc(void *p, size_t size)
{
	return fail_now() ? NULL : realloc(p, size);
}

char *core_strdup(const char *s)
{
	return fail_now() ? NULL : strdup(s);
}

void core_alloc_fail_nth(uint64_t nth)
{
	fail_countdown = nth;
	failed = false;
}

bool core_alloc_failed(void)
{
	return failed;
}
