/* Guest fault: an invalid opcode (UD2) in real mode. */
        .include "lib.inc"
main:
        PRINT   "ud2\r\n"
        .org    0x200, 0x90            /* fault_here = 0000:7E00 (linear 0x7E00) */
fault_here:
        ud2
        PRINT   "survived\r\n"
        EXIT
