/* vmlinuz-sentinel: a Linux bzImage sentinel. It boots nothing; it tells the host it was reached.
 *
 * Layout (Documentation/x86/boot.rst): a legacy boot sector whose last bytes hold the start of the setup
 * header (setup_sects at 0x1F1, boot_flag 0xAA55 at 0x1FE), the header proper at 0x200 ("HdrS",
 * protocol 2.06, LOADED_HIGH, cmd_line_ptr/cmdline_size supported), one setup sector of real-mode code,
 * then a small protected-mode part that a loader puts at code32_start (1 MB).
 *
 * Real-mode entry, as iPXE's bzimage_exec makes it: CS = setup segment + 0x20, IP = 0 (file offset 0x200),
 * DS = ES = SS = setup segment. It writes layout::kHandoffLinux (2) to port 0xB000 and the physical address
 * of the setup base (setup segment x 16) to port 0xB004; firmware/handoff.cpp reads cmd_line_ptr (+0x228)
 * from there. The 32-bit entry (boot protocol's ESI = boot_params, whose setup header sits at the same
 * offsets) reports ESI the same way. */
        .equ    SETUP_SECTS, 1
        .equ    HANDOFF_KIND_PORT, 0xb000
        .equ    HANDOFF_ARG_PORT, 0xb004
        .equ    HANDOFF_LINUX, 2

        .text
        .code16
        .globl  _start
_start:                                 /* booted as a boot sector by mistake: just stop */
        cli
        hlt
        jmp     _start

        .org    0x1f1
setup_sects:    .byte   SETUP_SECTS
root_flags:     .word   0
syssize:        .long   (pm_end - pm_start + 15) / 16
ram_size:       .word   0
vid_mode:       .word   0xffff          /* "normal" */
root_dev:       .word   0
boot_flag:      .word   0xaa55
/* 0x200: the real-mode entry point jumps over the rest of the header. */
                .byte   0xeb, start_of_setup - 1f
1:
header:         .ascii  "HdrS"
version:        .word   0x0206
realmode_swtch: .long   0
start_sys_seg:  .word   0x1000
kernel_version: .word   kver - 0x200
type_of_loader: .byte   0
loadflags:      .byte   0x01            /* LOADED_HIGH: protected-mode part at 1 MB */
setup_move_size: .word  0x8000
code32_start:   .long   0x100000
ramdisk_image:  .long   0
ramdisk_size:   .long   0
bootsect_kludge: .long  0
heap_end_ptr:   .word   0
ext_loader_ver: .byte   0
ext_loader_type: .byte  0
cmd_line_ptr:   .long   0
initrd_addr_max: .long  0x37ffffff
kernel_alignment: .long 0x1000
relocatable_kernel: .byte 0
min_alignment:  .byte   0
xloadflags:     .word   0
cmdline_size:   .long   2047

start_of_setup:
        movw    %cs, %ax
        subw    $0x20, %ax              /* setup segment */
        movzwl  %ax, %ebx
        shll    $4, %ebx                /* its physical address */
        movl    $HANDOFF_LINUX, %eax
        movw    $HANDOFF_KIND_PORT, %dx
        outl    %eax, %dx
        movl    %ebx, %eax
        movw    $HANDOFF_ARG_PORT, %dx
        outl    %eax, %dx
2:      cli
        hlt
        jmp     2b
kver:   .asciz  "bootsim-sentinel (protocol 2.06)"

        .org    (SETUP_SECTS + 1) * 512
/* Protected-mode part: position-independent, entered with ESI = boot_params. */
        .code32
pm_start:
        movl    $HANDOFF_LINUX, %eax
        movw    $HANDOFF_KIND_PORT, %dx
        outl    %eax, %dx
        movl    %esi, %eax
        movw    $HANDOFF_ARG_PORT, %dx
        outl    %eax, %dx
3:      cli
        hlt
        jmp     3b
        .balign 512, 0
pm_end:
