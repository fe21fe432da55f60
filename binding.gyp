{
  "targets": [
    {
      "target_name": "diff_kernel",
      "sources": ["src/diff/native/diff-kernel.c"],
      "cflags": ["-O3", "-std=c11", "-ffp-contract=off", "-Wall", "-Wextra"],
      "cflags!": ["-O2"]
    }
  ]
}
