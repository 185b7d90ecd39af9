/* The smallest C program: the start-up anchor's "trivial C binary" (docs/benchmarks.md). */
int main(void) { return 0; }
