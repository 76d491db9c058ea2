/* Guest fault: a read at 0xFFFFFFF0 (no RAM there) from flat 32-bit protected mode. */
        .include "lib.inc"
        .include "pm.inc"
main:
        PRINT   "going flat\r\n"
        ENTER_PM32
        .org    0x200, 0x90            /* fault_here = 0000:7E00 (linear 0x7E00) */
fault_here:
        movl    0xfffffff0, %eax
        cli
        hlt
