/* INT 16h: 11h with no key (ZF=1), a key injected when "READY>" appears is seen by 11h without being
 * consumed and read by 10h; then a blocking 10h read waits (in virtual time) for a key due at 1 s. */
        .include "lib.inc"
main:
        movb    $0x11, %ah
        int     $0x16
        jnz     1f
        PRINT   "empty:zf=1\r\n"
        jmp     2f
1:      PRINT   "empty:zf=0\r\n"
2:      PRINT   "READY>"
        movb    $0x11, %ah
        int     $0x16
        jz      1f
        PHEX16  "peek=", %ax
        jmp     2f
1:      PRINT   "peek:zf=1"
2:      movb    $0x10, %ah
        int     $0x16
        PHEX16  " read=", %ax
        movb    $0x11, %ah
        int     $0x16
        jnz     1f
        PRINT   " then:zf=1\r\n"
        jmp     2f
1:      PRINT   " then:zf=0\r\n"
2:      xorb    %ah, %ah
        int     $0x1a
        movw    %dx, %si
        movb    $0x10, %ah
        int     $0x16
        movw    %ax, %di
        xorb    %ah, %ah
        int     $0x1a
        subw    %si, %dx
        PHEX16  "blocking read=", %di
        PHEX16  " ticks waited=", %dx
        call    nl
        EXIT
