/* INT 10h: teletype (with BS, CR, LF), 03h cursor position, 08h attribute, 0Fh video mode. */
        .include "lib.inc"
main:
        PRINT   "AB\bC\r\nX"
        movb    $0x03, %ah              /* cursor after "X" on the second row: row 1, column 1 */
        movb    $0, %bh
        int     $0x10
        movw    %dx, %bp
        movb    $0x08, %ah
        movb    $0, %bh
        int     $0x10
        movw    %ax, %si
        movb    $0x0f, %ah
        int     $0x10
        movw    %ax, %di
        movb    %bh, %cl
        call    nl
        PHEX16  "cursor=", %bp
        PHEX16  " attr=", %si
        PHEX16  " mode=", %di
        PHEX8   " page=", %cl
        call    nl
        PRINT   "12345\r9\n"
        EXIT
