/* global jest */
// Integration and end-to-end specs start real processes and talk to real infrastructure.
jest.setTimeout(120_000);
