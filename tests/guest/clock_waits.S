/* Three ways an NBP times a wait without HLT or UNDI polls, each 5 s long: INT 1Ah AH=00h tick reads, PIT
 * channel 2 one-shots polled through port 61h (iPXE's pit8254 udelay, GRUB's TSC calibration), and the BDA
 * tick count read straight from memory with an interrupt window before each read (iPXE's currticks: no host
 * entry at all, the spinning rule's case). After each wait it prints the ticks that
 * INT 1Ah says passed. What it prints depends only on time, never on how many times a loop ran, so it must
 * be the same with idle skipping on and off (tests/firmware/idle_skip_test.cpp). */
        .include "lib.inc"
        .equ    TICKS, 91               /* 5 s at 18.2 Hz */
        .equ    SHOTS, 500              /* 500 x 10 ms */
        .equ    COUNT, 11932            /* 10 ms of 1.193182 MHz */
main:
        call    ticks
        movl    %eax, %esi
        /* 1. INT 1Ah AH=00h until TICKS have passed. */
        movl    %esi, %edi
        addl    $TICKS, %edi
1:      call    ticks
        cmpl    %edi, %eax
        jb      1b
        call    since
        PHEX32  "int1a=", %eax
        /* 2. PIT channel 2 one-shots, OUT2 polled through port 61h. */
        movw    $SHOTS, %bp
2:      inb     $0x61, %al
        andb    $0xfc, %al              /* speaker off */
        orb     $0x01, %al              /* gate on */
        outb    %al, $0x61
        movb    $0xb0, %al              /* channel 2, lo/hi, mode 0 */
        outb    %al, $0x43
        movb    $(COUNT & 0xff), %al
        outb    %al, $0x42
        movb    $(COUNT >> 8), %al
        outb    %al, $0x42
3:      inb     $0x61, %al
        testb   $0x20, %al
        jz      3b
        decw    %bp
        jnz     2b
        call    since
        PHEX32  " pit2=", %eax
        /* 3. The BDA tick count, read from memory after an interrupt window, until TICKS more have passed. */
        call    ticks
        movl    %eax, %esi
        movl    0x46c, %edi
        addl    $TICKS, %edi
4:      sti
        nop
        nop
        cli
        movl    0x46c, %eax
        cmpl    %edi, %eax
        jb      4b
        call    since
        PHEX32  " bda=", %eax
        call    nl
        EXIT

/* ticks: EAX = INT 1Ah AH=00h tick count. */
ticks:
        pushw   %cx
        pushw   %dx
        xorb    %ah, %ah
        int     $0x1a
        movw    %cx, %ax
        shll    $16, %eax
        movw    %dx, %ax
        popw    %dx
        popw    %cx
        ret

/* since: EAX = ticks now - ESI, then ESI = ticks now. */
since:
        call    ticks
        pushl   %eax
        subl    %esi, %eax
        popl    %esi
        ret
