// Test databases live in libs/testing, so the tests beside every lib share them.
export * from '@runlet/testing';
