/* RDTSC reads virtual time at 1 GHz (sim/cpu/rdtsc_trap.h, Machine::kTscSpinReads): two reads in a row
 * differ by one count; a loop that only reads the counter still sees time pass; and a TSC calibration
 * against PIT channel 2, as GRUB 2.06 does it (tsc_pit.c: 0xFFFF counts = 54.9 ms, poll port 61h bit 5),
 * measures the documented rate. */
        .include "lib.inc"
main:
        rdtsc                           /* first execution of this block: the trap must already hold */
        movl    %eax, %esi
        movl    %edx, %edi
        rdtsc
        subl    %esi, %eax
        sbbl    %edi, %edx
        PHEX32  "pair=", %eax
        PHEX32  ":", %edx
        /* 1000 reads with nothing else in between: one site in a loop. */
        rdtsc
        movl    %eax, %esi
        movw    $999, %cx
1:      rdtsc
        loop    1b
        subl    %esi, %eax
        PHEX32  " loop=", %eax
        /* Calibration against PIT channel 2. */
        inb     $0x61, %al
        andb    $0xfc, %al              /* speaker off, gate off */
        outb    %al, $0x61
        movb    $0xb0, %al              /* channel 2, lo/hi, mode 0 */
        outb    %al, $0x43
        movb    $0xff, %al
        outb    %al, $0x42
        outb    %al, $0x42
        inb     $0x61, %al
        orb     $0x01, %al              /* gate on */
        outb    %al, $0x61
        rdtsc
        movl    %eax, %esi
1:      inb     $0x61, %al
        testb   $0x20, %al
        jz      1b
        rdtsc
        subl    %esi, %eax
        PHEX32  " pit=", %eax
        call    nl
        EXIT
