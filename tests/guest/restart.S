/* PXENV_RESTART_TFTP (0073h): the program downloads itself again (the test serves it as restart.bin)
 * and the ROM starts that copy as a new NBP. A marker in low memory tells the two runs apart. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    MARKER, 0x05f0

main:
        cmpw    $0xbeef, MARKER
        je      second
        movw    $0xbeef, MARKER
        PRINT   "first run"
        call    nl
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $128, %cx
        rep stosw
        movw    $PARAMS+2, %di
        movw    $.Lname, %si
1:      lodsb
        stosb
        testb   %al, %al
        jnz     1b
        movl    $0x0202000a, PARAMS+0x8a        /* 10.0.2.2 */
        movw    $PARAMS, %di
        movw    $0x0073, %bx
        call    pxe_call_s
        PHEX16  "restart returned ax=", %ax
        PHEX16  " st=", PARAMS
        call    nl
        EXIT
second:
        PRINT   "second run"
        call    nl
        EXIT
.Lname: .asciz  "restart.bin"
