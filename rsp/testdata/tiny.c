long workload_counter = 5;
void _start(void) { for (;;) workload_counter++; }
