/* Self-modifying code: stores into pages that hold translated code drop exactly the translations they
 * change (sim/cpu/unicorn_store_path.h takes Unicorn's page locking out of that path). The firmware test
 * compares the console with and without BOOTSIM_UNICORN_STORES=library, and the values with what the
 * instructions mean.
 *
 * A: an instruction patched from another block after it ran: each pass runs what the last one wrote.
 * B: a store that patches the next instruction of its own block (the engine must end the block there).
 * C: data beside code on one page written 2000 times (past the engine's threshold for a code bitmap of
 *    the page) while the code runs on; then code on that page, translated before, is patched once more.
 * D: a routine written as data, 100 times, to a page that never held code (its stores take the engine's
 *    fast path), run, patched and run again: the page must have left the fast path when it became code.
 * E: the last byte of a block patched: a store there must reach the engine (the bytes a block covers are
 *    noted up to its end). */
        .include "lib.inc"

main:
/* A: AL = 10, 11, 12, 13, 14 on five passes; DX sums them. */
        xorw    %dx, %dx
        movb    $0x10, %bl
1:      call    site_a
        addb    %al, %dl
        incb    %bl
        movb    %bl, site_a+1
        cmpb    $0x15, %bl
        jne     1b
        PHEX16  "A sum=", %dx
        call    nl

/* B */
        movb    $0x66, site_b+1
site_b: movb    $0x55, %al
        PHEX8   "B al=", %al
        call    nl

/* C */
        call    site_c
        movb    %al, %dl
        movw    $2000, %cx
2:      incw    counter
        loop    2b
        movb    $0x77, site_c+1
        call    site_c
        PHEX16  "C n=", counter
        PHEX8   " before=", %dl
        PHEX8   " after=", %al
        call    nl

/* D: mov $0x21,%al; lret at 5000:0000 */
        movw    $0x5000, %ax
        movw    %ax, %es
        movw    $100, %cx
3:      movb    $0xb0, %es:0
        movb    $0x21, %es:1
        movb    $0xcb, %es:2
        loop    3b
        lcall   $0x5000, $0
        movb    %al, %dl
        movb    $0x42, %es:1
        lcall   $0x5000, $0
        PHEX8   "D before=", %dl
        PHEX8   " after=", %al
        call    nl

/* E: the jmp that makes up site_e's block first lands on e_one; then its displacement, the block's last
 * byte, is patched to land on e_two (iPXE patches the vector of an `int`, the last byte of its block). */
        call    site_e
        movb    %al, %dl
        movb    $e_two - e_one, site_e+1
        call    site_e
        PHEX8   "E before=", %dl
        PHEX8   " after=", %al
        call    nl
        EXIT

site_a: movb    $0x10, %al
        ret
site_c: movb    $0x01, %al
        ret
site_e: .byte   0xeb, 0x00              /* jmp e_one (rel8, patched) */
e_one:  movb    $0x01, %al
        ret
e_two:  movb    $0x02, %al
        ret
counter: .word 0
