/* PIT channel 2 one-shot as iPXE's pit8254 udelay drives it: gate on, speaker off, mode 0, count 11932
 * (10 ms); OUT2 (port 61h bit 5) must be low right after programming and go high only once the count
 * has elapsed in virtual time. Each IN is a host entry, so the number of polls measures that time. */
        .include "lib.inc"
        .equ    COUNT, 11932
main:
        inb     $0x61, %al
        andb    $0xfc, %al              /* speaker off */
        orb     $0x01, %al              /* gate on */
        outb    %al, $0x61
        movb    $0xb0, %al              /* channel 2, lo/hi, mode 0 */
        outb    %al, $0x43
        movb    $(COUNT & 0xff), %al
        outb    %al, $0x42
        movb    $(COUNT >> 8), %al
        outb    %al, $0x42
        xorw    %cx, %cx                /* polls */
        inb     $0x61, %al
        incw    %cx
        movb    %al, %bl
1:      testb   $0x20, %al
        jnz     2f
        inb     $0x61, %al
        incw    %cx
        cmpw    $0xfff0, %cx
        jb      1b
2:      PHEX8   "first=", %bl
        PHEX8   " last=", %al
        PHEX16  " polls=", %cx
        call    nl
        EXIT
