/* Guest fault: a tight loop that never enters the host; only the abort-only watchdog can end it. */
        .include "lib.inc"
main:
        PRINT   "spin\r\n"
        .org    0x200, 0x90            /* fault_here = 0000:7E00 (linear 0x7E00) */
fault_here:
        jmp     fault_here
