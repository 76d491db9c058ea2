/* An NBP that only waits for the NIC's interrupt, as gPXE-era UNDI drivers do (ref/undi-interrupts.md):
 * reads the IRQ from UNDI_GET_INFORMATION and SUPPORTED_IRQ from GET_IFACE_INFO, hooks the IRQ's vector,
 * unmasks it on the 8259, opens the NIC and halts with interrupts enabled. Its handler calls
 * PXENV_UNDI_ISR START, counts "ours" and sends the EOIs; only after the handler ran does the main loop
 * call PROCESS and GET_NEXT. No polling before that. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    ISRPARAMS, 0x0680

.macro CLEAR
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $32, %cx
        rep stosw
        movw    $PARAMS, %di
.endm

main:
        CLEAR
        movw    $0x000C, %bx            /* UNDI_GET_INFORMATION */
        call    pxe_call_s
        movw    PARAMS+4, %ax           /* IntNumber */
        movw    %ax, irq
        PHEX16  "irq=", %ax
        CLEAR
        movw    $0x0013, %bx            /* UNDI_GET_IFACE_INFO */
        call    pxe_call_s
        PHEX32  " flags=", PARAMS+0x16
        call    nl
        cmpw    $0, irq
        je      noirq

        cli
        movw    irq, %bx                /* vector: 08h+n for IRQ 0-7, 70h+n-8 for IRQ 8-15 */
        addw    $0x08, %bx
        cmpw    $0x10, %bx
        jb      1f
        addw    $0x60, %bx
1:      shlw    $2, %bx
        movw    $isr, (%bx)
        movw    $0, 2(%bx)
        movw    irq, %cx                /* unmask the IRQ on its 8259 */
        andb    $7, %cl
        movb    $1, %ah
        shlb    %cl, %ah
        notb    %ah
        movw    $0x21, %dx
        cmpw    $8, irq
        jb      2f
        movw    $0xA1, %dx
2:      inb     %dx, %al
        andb    %ah, %al
        outb    %al, %dx

        CLEAR
        movw    $0x0007, PARAMS+4       /* UNDI_OPEN, PktFilter: directed, broadcast, promiscuous */
        movw    $0x0006, %bx
        call    pxe_call_s

        xorw    %bp, %bp                /* halts until the handler saw the NIC's interrupt */
wait:   cmpb    $0, triggered
        jne     got
        incw    %bp
        cmpw    $400, %bp
        ja      timeout
        sti
        hlt
        cli
        jmp     wait

got:    PHEX8   "triggered=", triggered
        call    nl
        CLEAR
        movw    $2, PARAMS+2            /* IN_PROCESS */
        movw    $0x0014, %bx
        call    pxe_call_s
        PHEX16  "rx func=", PARAMS+2
        PHEX16  " framelen=", PARAMS+6
        PRINT   " data="
        lesw    PARAMS+0x0a, %si
        movw    $14, %cx
        call    hexdump
        call    nl
        CLEAR
        movw    $3, PARAMS+2            /* IN_GET_NEXT */
        movw    $0x0014, %bx
        call    pxe_call_s
        PHEX16  "next func=", PARAMS+2
        call    nl
        EXIT
noirq:  PRINT   "no irq\r\n"
        EXIT
timeout:
        PHEX8   "no interrupt; triggered=", triggered
        call    nl
        EXIT

/* The NIC's interrupt handler (iPXE's undiisr.S does the same): START, count "ours", EOI. */
isr:
        pushaw
        pushw   %ds
        pushw   %es
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    $0, ISRPARAMS
        movw    $1, ISRPARAMS+2         /* IN_START */
        movw    $ISRPARAMS, %di
        movw    $0x0014, %bx
        call    pxe_call_s
        cmpw    $0, ISRPARAMS+2         /* OUT_OURS */
        jne     1f
        incb    triggered
1:      movb    $0x20, %al
        cmpw    $8, irq
        jb      2f
        outb    %al, $0xA0
2:      outb    %al, $0x20
        popw    %es
        popw    %ds
        popaw
        iret

irq:       .word 0
triggered: .byte 0
