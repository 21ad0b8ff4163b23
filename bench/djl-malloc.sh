# Sourced by the bench scripts: sets djl_preload to what a Kiln DJL worker preloads
# (runner/src/main/java/dev/kiln/runner/djl/NativeAllocator.java): tcmalloc when the machine has
# it, unless KILN_DJL_MALLOC says otherwise (system, or a library path).
djl_preload=""
case "${KILN_DJL_MALLOC:-auto}" in
  auto|"")
    for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
      if [ -f "$d/libtcmalloc_minimal.so.4" ]; then djl_preload="$d/libtcmalloc_minimal.so.4"; break; fi
    done ;;
  system) ;;
  *) djl_preload="$KILN_DJL_MALLOC" ;;
esac
djl_preload="${djl_preload}${LD_PRELOAD:+ $LD_PRELOAD}"
