// The young generation of the threads a preview starts (the table worker and the CSV parse workers).
//
// V8 splits a young generation of N MB into two semi-spaces of N/3 MB, rounded up to a power of two, plus room
// for large young objects: 7 or 8 MB make semi-spaces of 4 MB (8 MB of new space), 4 to 6 MB make them 2 MB.
// Each thread's garbage dies young (papaparse's cells, cut-out strings, window replies), so the smaller new
// space costs a few more scavenges that find little alive, and holds 4 MB less in each of the three threads
// (95 MB bench CSV from the local S3 server, medians of 10 interleaved runs: peak 147 → 134 MB, load time
// within the runs' spread).

/** maxYoungGenerationSizeMb of a preview's worker threads: the largest that makes 2 MB semi-spaces. */
export const YOUNG_GENERATION_MB = 6;
