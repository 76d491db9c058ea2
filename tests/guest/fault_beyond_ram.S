/* Guest fault: a read just past the end of 64 MB of RAM (0x04000000) from flat protected mode. With more
 * RAM the read succeeds and the program stops at its HLT with IF=0 instead. */
        .include "lib.inc"
        .include "pm.inc"
main:
        PRINT   "reading 64 MB\r\n"
        ENTER_PM32
        movl    0x04000000, %eax
        cli
        hlt
