/* The input of the gcc -c recording: small and without #include, so the
 * trace shows the compiler driver, cc1 and as rather than header reads. */
int printf(const char *, ...);

static int square(int x)
{
	return x * x;
}

int main(void)
{
	return printf("%d\n", square(7)) < 0;
}
