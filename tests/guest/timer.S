/* INT 1Ah 00h: the tick count is the BDA's, advances one tick per HLT (IF=1) and, while the guest is busy,
 * with the virtual time each host entry costs. */
        .include "lib.inc"
main:
        xorb    %ah, %ah
        int     $0x1a
        shll    $16, %ecx
        movw    %dx, %cx
        cmpl    0x46c, %ecx
        jne     1f
        PRINT   "bda=match "
        jmp     2f
1:      PRINT   "bda=differs "
2:      movl    %ecx, %esi
        movw    $10, %cx
1:      sti
        hlt
        loop    1b
        xorb    %ah, %ah
        int     $0x1a
        shll    $16, %ecx
        movw    %dx, %cx
        movl    %ecx, %edi
        /* Busy: INT 1Ah only, until the tick changes. */
        xorw    %bp, %bp
1:      incw    %bp
        xorb    %ah, %ah
        int     $0x1a
        cmpw    %dx, %di
        je      1b
        subl    %esi, %edi
        PHEX32  "hlt10 delta=", %edi
        PHEX16  " busy calls=", %bp
        call    nl
        EXIT
