/* UNDI_ISR (0014h) receive: open the NIC, poll with IN_PROCESS until a frame the test delivers arrives,
 * report the ISR fields and the frame's first bytes, then IN_GET_NEXT ends the round with OUT_DONE. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600

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
        movw    $0x0007, PARAMS+4       /* PktFilter: directed, broadcast, promiscuous */
        movw    $0x0006, %bx            /* UNDI_OPEN */
        call    pxe_call_s
        PHEX16  "open ax=", %ax
        call    nl
        xorl    %ebp, %ebp
poll:
        incl    %ebp
        cmpl    $200000, %ebp
        ja      timeout
        CLEAR
        movw    $2, PARAMS+2            /* IN_PROCESS */
        movw    $0x0014, %bx
        call    pxe_call_s
        testw   %ax, %ax
        jnz     failed
        cmpw    $3, PARAMS+2            /* OUT_RECEIVE */
        jne     poll
        PHEX16  "rx func=", PARAMS+2
        PHEX16  " buflen=", PARAMS+4
        PHEX16  " framelen=", PARAMS+6
        PHEX16  " hdrlen=", PARAMS+8
        PHEX8   " prot=", PARAMS+0x0e
        PHEX8   " pkt=", PARAMS+0x0f
        call    nl
        PRINT   "data="
        lesw    PARAMS+0x0a, %si
        movw    $20, %cx
        call    hexdump
        call    nl
        CLEAR
        movw    $3, PARAMS+2            /* IN_GET_NEXT */
        movw    $0x0014, %bx
        call    pxe_call_v
        PHEX16  "next ax=", %ax
        PHEX16  " func=", PARAMS+2
        call    nl
        EXIT
failed: PHEX16  "isr failed ax=", %ax
        call    nl
        EXIT
timeout:
        PRINT   "no frame\r\n"
        EXIT
