/* Counts the BIOS timer through a hook on INT 1Ch (what PXELINUX and others do): 20 HLTs with interrupts
 * enabled, then the tick count's change, the hook's count, and the master 8259's ISR (0: the BIOS's
 * INT 08h sent its EOI). */
        .include "lib.inc"

main:
        cli
        movw    $tick, 0x1C*4
        movw    $0, 0x1C*4+2
        movl    0x46C, %eax
        movl    %eax, start
        movw    $20, %cx
1:      sti
        hlt
        cli
        loop    1b
        movl    0x46C, %eax
        subl    start, %eax
        PHEX32  "ticks=", %eax
        PHEX16  " int1c=", count
        movb    $0x0B, %al              /* OCW3: read ISR */
        outb    %al, $0x20
        inb     $0x20, %al
        PHEX8   " isr=", %al
        call    nl
        EXIT

tick:   incw    %cs:count
        iret

        .balign 4
start:  .long 0
count:  .word 0
