module.exports = { built: require('./built.json') };
