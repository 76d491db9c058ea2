/* A Multiboot handoff whose info pointer is outside RAM: reported in the handoff event, never a crash. */
        .include "lib.inc"
main:
        movl    $1, %eax
        movw    $0xb000, %dx
        outl    %eax, %dx
        movl    $0xfffffff0, %eax
        movw    $0xb004, %dx
        outl    %eax, %dx
        PRINT   "still running\r\n"
        EXIT
