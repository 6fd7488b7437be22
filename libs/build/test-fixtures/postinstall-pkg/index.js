module.exports = { hello: () => 'hello from the postinstall fixture' };
