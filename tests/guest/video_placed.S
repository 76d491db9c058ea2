/* INT 10h placed writes and video memory: 02h cursor, 09h char+attribute (with a count), 0Ah char only,
 * 08h reads back, 13h string, 06h scroll/clear, and B8000h read and written directly. The program then
 * prints (by teletype) what it read back; the console shows both the placed rows and those lines. */
        .include "lib.inc"
main:
        movw    $0x0600, %ax            /* clear the screen with attribute 07 */
        movb    $0x07, %bh
        xorw    %cx, %cx
        movw    $0x184f, %dx
        int     $0x10
        movb    $0x02, %ah              /* cursor to row 2, column 10 */
        xorb    %bh, %bh
        movw    $0x020a, %dx
        int     $0x10
        movw    $0x092a, %ax            /* 09h: three '*' in attribute 1Eh */
        movw    $0x001e, %bx
        movw    $3, %cx
        int     $0x10
        movw    $0x0a2b, %ax            /* 0Ah: one '+' over the first, attribute kept */
        movw    $1, %cx
        int     $0x10
        movb    $0x08, %ah              /* 08h: '+' in 1Eh */
        int     $0x10
        movw    %ax, %si
        /* 13h: "menu" at row 4, column 0, attribute 70h, cursor moved after it */
        movw    $0x1301, %ax
        movw    $0x0070, %bx
        movw    $4, %cx
        movw    $0x0400, %dx
        pushw   %ds
        popw    %es
        movw    $menu, %bp
        int     $0x10
        movb    $0x03, %ah
        xorb    %bh, %bh
        int     $0x10
        movw    %dx, %di
        /* Video memory: the '*' written by 09h at row 2 column 11, and a direct store at row 6 */
        movw    $0xb800, %ax
        movw    %ax, %es
        movw    %es:(2*80+11)*2, %bp
        movw    $0x0744, %es:(6*80)*2   /* 'D' */
        movw    $0x0749, %es:(6*80+1)*2 /* 'I' */
        movw    $0x0752, %es:(6*80+2)*2 /* 'R' */
        movb    $0x02, %ah              /* teletype from row 8 */
        xorb    %bh, %bh
        movw    $0x0800, %dx
        int     $0x10
        PHEX16  "rd08=", %si
        PHEX16  " cur13=", %di
        PHEX16  " b800=", %bp
        call    nl
        /* 07h: scroll rows 2..6 down by one: '+**' moves to row 3 */
        movw    $0x0701, %ax
        movb    $0x07, %bh
        movw    $0x0200, %cx
        movw    $0x064f, %dx
        int     $0x10
        movw    $0xb800, %ax
        movw    %ax, %es
        movw    %es:(3*80+10)*2, %ax
        PHEX16  "scrolled=", %ax
        call    nl
        EXIT
menu:   .ascii  "menu"
