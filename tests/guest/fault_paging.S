/* Guest fault: paging turned on with linear 0xC0000000 mapped to physical 0x100000 (RAM), then a read
 * there. Unicorn 2.0.1 maps every linear address to the same physical address whatever the page tables
 * say, so the read finds no RAM at 0xC0000000; the fault must say that paging was on. */
        .include "lib.inc"
        .include "pm.inc"
        .include "paging.inc"

        .set    PDIR, 0x30000
        .set    PTAB_LOW, 0x31000       /* linear 0 - 4 MiB: 1:1 */
        .set    PTAB_HIGH, 0x32000      /* linear 0xC0000000 - : physical 1 MiB on */

main:
        PRINT   "paging\r\n"
        ENTER_PM32
        PAGING_EMPTY_DIR PDIR
        PAGING_FILL_TABLE PTAB_LOW, 0
        PAGING_FILL_TABLE PTAB_HIGH, 0x100000
        movl    $PTAB_LOW | 0x003, PDIR
        movl    $PTAB_HIGH | 0x003, PDIR + (0xC0000000 >> 22) * 4
        movl    $PDIR, %eax
        movl    %eax, %cr3
        movl    %cr0, %eax
        orl     $0x80000000, %eax
        movl    %eax, %cr0
        jmp     3f
3:      movl    0xC0000000, %eax
        cli
        hlt
