/* INT 1Ah AX=5650h (PXE installation check) returns 564Eh and ES:BX -> a valid PXENV+, the same the NBP
 * was entered with; AX=564Eh (iPXE's pxe_notify) is answered with CF=1. */
        .include "lib.inc"
main:
        movw    $0x5650, %ax
        xorw    %bx, %bx
        movw    %bx, %es
        int     $0x1a
        setc    %cl
        PHEX16  "ax=", %ax
        PHEX8   " cf=", %cl
        PHEX16  " es=", %es
        PHEX16  " bx=", %bx
        cmpw    pxenv_ptr, %bx
        jne     1f
        movw    %es, %ax
        cmpw    pxenv_ptr+2, %ax
        jne     1f
        PRINT   " same-as-entry"
        jmp     2f
1:      PRINT   " differs-from-entry"
2:      call    nl
        /* Signature and checksum over the length byte at +8. */
        cmpl    $0x4e455850, %es:(%bx)          /* "PXEN" */
        jne     bad
        cmpw    $0x2b56, %es:4(%bx)             /* "V+" */
        jne     bad
        movzbw  %es:8(%bx), %cx
        PHEX8   "sig=PXENV+ len=", %cl
        PHEX16  " version=", %es:6(%bx)
        xorb    %al, %al
        movw    %bx, %si
1:      addb    %es:(%si), %al
        incw    %si
        loop    1b
        PHEX8   " sum=", %al
        call    nl
        jmp     notify
bad:    PRINT   "sig=bad\r\n"
notify:
        movw    $0x564e, %ax
        int     $0x1a
        setc    %cl
        PHEX8   "564E cf=", %cl
        call    nl
        EXIT
