// Preloaded with `node --require` into one role process: its clock (Date) runs
// RUNLET_TEST_CLOCK_OFFSET_MS ahead (or behind, when negative) of the machine's.
const offset = Number(process.env.RUNLET_TEST_CLOCK_OFFSET_MS || 0);
const RealDate = Date;
class OffsetDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = OffsetDate;
