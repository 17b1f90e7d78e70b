{
  "targets": [
    {
      "target_name": "udp_listener",
      "conditions": [
        ["OS=='win'", { "type": "none" }, { "sources": ["udp_listener.c", "dogstatsd_preparse.c"] }]
      ],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-ffp-contract=off"]
    }
  ]
}
