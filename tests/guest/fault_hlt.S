/* Guest fault: HLT with interrupts disabled; nothing can ever wake the CPU. */
        .include "lib.inc"
main:
        PRINT   "cli hlt\r\n"
        .org    0x200, 0x90             /* cli at 0000:7E00, hlt at 7E01; the CPU saves EIP = 7E02 */
        cli
        hlt
        PRINT   "woke up\r\n"
        EXIT
