/* Guest fault: UNDI_TRANSMIT whose TBD data block is a 32-bit physical pointer (TDPtrType 1) beyond RAM. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    TBD, 0x0680
main:
        PRINT   "tx\r\n"
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $8, %cx
        rep stosw
        movw    $PARAMS, %di
        movb    $1, PARAMS+2            /* P_IP */
        movb    $1, PARAMS+3            /* broadcast */
        movw    $TBD, PARAMS+8
        movw    $0, TBD                 /* no immediate data */
        movw    $0, TBD+2
        movw    $0, TBD+4
        movw    $1, TBD+6               /* one data block */
        movb    $1, TBD+8               /* TDPtrType 1: physical */
        movb    $0, TBD+9
        movw    $64, TBD+10
        movl    $0xfff00000, TBD+12
        movw    $0x0008, %bx
        call    pxe_call_s
        PHEX16  "returned ax=", %ax
        call    nl
        EXIT
